"""A real OpenID provider (panva's certified oidc-provider on Node.js, tests/accounts/oidc_provider/)
on a free port, for the OpenID Connect sign-in tests. Nothing is mocked: the application fetches
tokens, keys and userinfo over HTTP; the test plays the browser with a requests session on the
provider's side and Django's test client on the application's side."""

import json
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import requests

PROVIDER_DIR = Path(__file__).parent / "oidc_provider"
CLIENT_ID = "incident-response"
CLIENT_SECRET = "test-client-secret-0123456789abcdef"
REDIRECT_URI = "http://testserver/oidc/callback/"  # Django's test client is the application


def missing_reason() -> str:
    """Why the OpenID tests cannot run here, or "" when they can."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            return f"{tool} missing: install Node.js 20+ and npm to run the OpenID provider"
    return ""


def install() -> None:
    """npm install of the pinned oidc-provider (scripts/_setup.sh ensure_oidc_provider does the
    same), for a pytest run without scripts/test."""
    pinned = json.loads((PROVIDER_DIR / "package.json").read_text())["dependencies"]
    installed = PROVIDER_DIR / "node_modules" / "oidc-provider" / "package.json"
    if (
        installed.exists()
        and json.loads(installed.read_text())["version"] == pinned["oidc-provider"]
    ):
        return
    subprocess.run(  # noqa: S603 - fixed command
        ["npm", "install", "--no-package-lock", "--no-audit", "--no-fund", "--loglevel=error"],  # noqa: S607
        cwd=PROVIDER_DIR,
        check=True,
        capture_output=True,
        timeout=300,
    )


def account(username: str, *, name: str, groups: list[str], password: str = "", **claims) -> dict:
    return {
        "password": password or f"{username}-pw",
        "claims": {
            "preferred_username": username,
            "name": name,
            "email": f"{username}@firm.cn",
            "email_verified": True,
            "groups": groups,
            **claims,
        },
    }


def seed_accounts() -> dict[str, dict]:
    return {
        "zhangwei": account(
            "zhangwei", name="张伟", groups=["ir-handlers", "all-staff"], department="信息技术部"
        ),
        "lina": account("lina", name="李娜", groups=["ir-officers"], department="合规部"),
        "wangwu": {**account("wangwu", name="王五", groups=["ir-handlers"]), "disabled": True},
        # an account whose provider sends no user name claim
        "nameless": {"password": "nameless-pw", "claims": {"name": "无名", "groups": []}},
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Provider:
    issuer: str
    config_path: Path
    process: subprocess.Popen
    config: dict = field(default_factory=dict)

    def set_groups(self, username: str, groups: list[str]) -> None:
        """What an administrator does in the firm's identity provider (read at the next lookup)."""
        self.config["accounts"][username]["claims"]["groups"] = groups
        self.config_path.write_text(json.dumps(self.config, ensure_ascii=False), encoding="utf-8")

    def env(self, **extra: str) -> dict[str, str]:
        """The environment an operator would set for this provider."""
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/auth",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/me",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/jwks",
            "OIDC_RP_SCOPES": "openid email profile groups",
            "OIDC_CLAIM_DEPARTMENT": "department",
            "OIDC_ROLE_INCIDENT_HANDLER": "ir-handlers",
            "OIDC_ROLE_COMPLIANCE_OFFICER": "ir-officers",
            **extra,
        }

    def discovery(self) -> dict:
        return requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=5).json()


def start(
    tmp: Path, accounts: dict[str, dict] | None = None, *, redirect_uri: str = REDIRECT_URI
) -> Provider:
    install()
    tmp.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = {
        "port": port,
        "client": {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [redirect_uri],
        },
        "accounts": accounts if accounts is not None else seed_accounts(),
    }
    config_path = tmp / "provider.json"
    config_path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    log = (tmp / "provider.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - fixed script, arguments built here
        ["node", str(PROVIDER_DIR / "provider.mjs"), str(config_path)],  # noqa: S607
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"provider exited: {(tmp / 'provider.log').read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return Provider(f"http://127.0.0.1:{port}", config_path, process, config)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the OpenID provider did not listen within 20 s")


def stop(provider: Provider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(10)
    except subprocess.TimeoutExpired:
        provider.process.kill()


@dataclass
class Visit:
    """Where the browser ended at the provider: sent back to the application (`back`), or on one
    of the provider's pages (`page`)."""

    back: str = ""
    page: str = ""


def _form_action(page: str, suffix: str) -> str:
    match = re.search(rf'action="(/interaction/[^"]+/{suffix})"', page)
    assert match, f"no {suffix} form on the provider's page: {page[:400]}"
    return match.group(1)


def through_provider(
    url: str, *, login: str, password: str, consent: bool = True, session=None
) -> Visit:
    """Play the user at the provider from the authorization URL the application redirected to:
    sign in with `login`/`password`, then approve (or decline) sharing the details."""
    session = session or requests.Session()
    response = session.get(url, allow_redirects=False, timeout=10)
    signed_in = False
    for _step in range(12):
        if response.status_code in (302, 303):
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith("http://testserver/"):
                return Visit(back=location.removeprefix("http://testserver"))
            response = session.get(location, allow_redirects=False, timeout=10)
            continue
        page = response.text
        prompt = re.search(r'data-prompt="(\w+)"', page)
        assert response.status_code == 200 and prompt, f"{response.status_code}: {page[:400]}"
        if prompt.group(1) == "login":
            if signed_in:  # the provider refused the account: the user stays on its page
                return Visit(page=page)
            signed_in = True
            data = {"login": login, "password": password}
            action = _form_action(page, "login")
        else:
            data = {}
            action = _form_action(page, "confirm" if consent else "abort")
        response = session.post(
            urljoin(response.url, action), data=data, allow_redirects=False, timeout=10
        )
    raise AssertionError("the provider never sent the browser back")
