"""A real OpenLDAP server (Debian's slapd) on a free port with a seeded tree, for the directory
sign-in tests. Nothing is mocked: django-auth-ldap binds and searches over TCP."""

import base64
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
SCHEMAS = "/etc/ldap/schema"
SUFFIX = "dc=firm,dc=cn"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PW = "root-secret"
PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"


def missing_reason() -> str:
    """Why the directory tests cannot run here, or "" when they can."""
    for path in (SLAPD, SLAPADD, f"{SCHEMAS}/inetorgperson.schema"):
        if not Path(path).exists():
            return f"{path} missing: install Debian's slapd (scripts/test runs ensure_slapd)"
    try:
        import django_auth_ldap  # noqa: F401
        import ldap  # noqa: F401
    except ImportError as exc:
        return f"django-auth-ldap/python-ldap not installed ({exc}); pip install -e .[directory]"
    return ""


def _value(line_attr: str, value: str) -> str:
    if value.isascii():
        return f"{line_attr}: {value}"
    return f"{line_attr}:: {base64.b64encode(value.encode()).decode()}"


def ldif(entries: list[dict]) -> str:
    blocks = []
    for entry in entries:
        lines = [f"dn: {entry['dn']}"]
        for attr, values in entry.items():
            if attr == "dn":
                continue
            for value in values if isinstance(values, list) else [values]:
                lines.append(_value(attr, value))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def person(uid: str, *, cn: str, sn: str, given: str, password: str, **extra) -> dict:
    return {
        "dn": f"uid={uid},{PEOPLE}",
        "objectClass": ["inetOrgPerson"],
        "uid": uid,
        "cn": cn,
        "sn": sn,
        "givenName": given,
        "displayName": cn,
        "mail": f"{uid}@firm.cn",
        "userPassword": password,
        **extra,
    }


def group(cn: str, members: list[str]) -> dict:
    return {
        "dn": f"cn={cn},{GROUPS}",
        "objectClass": ["groupOfNames"],
        "cn": cn,
        "member": [f"uid={m},{PEOPLE}" for m in members],
    }


def seed_tree() -> list[dict]:
    return [
        {"dn": SUFFIX, "objectClass": ["dcObject", "organization"], "dc": "firm", "o": "示例证券"},
        {"dn": PEOPLE, "objectClass": ["organizationalUnit"], "ou": "people"},
        {"dn": GROUPS, "objectClass": ["organizationalUnit"], "ou": "groups"},
        person(
            "lina", cn="李娜", sn="李", given="娜", password="lina-pw", departmentNumber="合规部"
        ),
        person(
            "zhangwei",
            cn="张伟",
            sn="张",
            given="伟",
            password="zhangwei-pw",
            departmentNumber="信息技术部",
            manager=f"uid=lina,{PEOPLE}",
        ),
        person(
            "wangwu",
            cn="王五",
            sn="王",
            given="五",
            password="wangwu-pw",
            departmentNumber="信息技术部",
            employeeType="disabled",
        ),
        group("ir-handlers", ["zhangwei", "wangwu"]),
        group("ir-officers", ["lina"]),
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Directory:
    uri: str
    process: subprocess.Popen

    def connect(self):
        import ldap

        conn = ldap.initialize(self.uri)
        conn.simple_bind_s(ROOT_DN, ROOT_PW)
        return conn

    def remove_member(self, group_cn: str, uid: str) -> None:
        import ldap

        conn = self.connect()
        conn.modify_s(
            f"cn={group_cn},{GROUPS}",
            [(ldap.MOD_DELETE, "member", [f"uid={uid},{PEOPLE}".encode()])],
        )
        conn.unbind_s()

    def env(self, **extra: str) -> dict[str, str]:
        """The environment an operator would set for this directory."""
        return {
            "LDAP_SERVER_URI": self.uri,
            "LDAP_BIND_DN": ROOT_DN,
            "LDAP_BIND_PASSWORD": ROOT_PW,
            "LDAP_USER_BASE": PEOPLE,
            "LDAP_USER_FILTER": "(&(uid=%(user)s)(!(employeeType=disabled)))",
            "LDAP_GROUP_BASE": GROUPS,
            "LDAP_ROLE_INCIDENT_HANDLER": f"cn=ir-handlers,{GROUPS}",
            "LDAP_ROLE_COMPLIANCE_OFFICER": f"cn=ir-officers,{GROUPS}",
            **extra,
        }


def start(tmp: Path, entries: list[dict] | None = None) -> Directory:
    data = tmp / "data"
    data.mkdir(parents=True)
    conf = tmp / "slapd.conf"
    conf.write_text(
        "\n".join(
            [
                *(
                    f"include {SCHEMAS}/{name}.schema"
                    for name in ("core", "cosine", "inetorgperson", "nis")
                ),
                f"pidfile {tmp}/slapd.pid",
                "modulepath /usr/lib/ldap",
                "moduleload back_mdb",
                "database mdb",
                f'suffix "{SUFFIX}"',
                f'rootdn "{ROOT_DN}"',
                f"rootpw {ROOT_PW}",
                f"directory {data}",
                "maxsize 10485760",
                "access to attrs=userPassword by self write by anonymous auth by * none",
                "access to * by * read",
                "",
            ]
        )
    )
    seed = tmp / "seed.ldif"
    seed.write_text(ldif(entries if entries is not None else seed_tree()), encoding="utf-8")
    subprocess.run(
        [SLAPADD, "-f", str(conf), "-l", str(seed)], check=True, capture_output=True, timeout=30
    )
    port = free_port()
    uri = f"ldap://127.0.0.1:{port}"
    process = subprocess.Popen(  # noqa: S603 - fixed binary, arguments built here
        [SLAPD, "-h", uri, "-f", str(conf), "-d", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"slapd exited: {process.stderr.read().decode()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return Directory(uri, process)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("slapd did not listen within 15 s")


def stop(directory: Directory, tmp: Path) -> None:
    directory.process.terminate()
    try:
        directory.process.wait(10)
    except subprocess.TimeoutExpired:
        directory.process.kill()
    shutil.rmtree(tmp, ignore_errors=True)
