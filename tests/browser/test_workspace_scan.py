"""The workspace as each demo role sees it (issue 18 acceptance), in Debian's Chromium:

- every page of the role's menu (the links read from the rendered sidebar) answers 200, and the
  visible text holds no English word outside an explicit allow-list (product names, units,
  codes); a screenshot of each page lands in var/browser-screenshots/<role>/;
- axe-core (shipped by axe-playwright-python, injected from the package, no CDN) finds no
  "serious" or "critical" violation on the home, incident list, incident page, report page,
  dashboard, training and audit pages;
- on a 390-px phone the menu is behind a button and opens as an off-canvas panel.

The demo data (seed_demo) is what the pages show, as after `scripts/run`."""

import io
import re
from contextlib import redirect_stdout

import pytest
from django.core.management import call_command

from .conftest import SCREENSHOTS, journey

pytestmark = [pytest.mark.browser, journey]

DEMO_PASSWORD = "Demo-2026!"
ROLES = ("compliance", "handler", "auditor", "staff")

# Words allowed in the visible text: product and protocol names, file formats, standards'
# and regulators' abbreviations, the national grade codes, and the name of the English language
# in the language menu. Everything else English is a string someone forgot to translate.
ALLOWED_WORDS = frozenset(
    {
        # product, protocol and format names
        "API",
        "OA",  # the firm's office-automation system
        "DOCX",
        "U",  # U 盘 (a USB drive)
        "d",  # a clause letter of the standard (1 技术要求 d)
        "OpenAPI",
        "Webhook",
        "Webhooks",
        "PDF",
        "Excel",
        "CSV",
        "XLSX",
        "ICS",
        "iCalendar",
        "vCard",
        "JSON",
        "ZIP",
        "SHA",
        "TOTP",
        "QR",
        "URL",
        "HTTP",
        "HTTPS",
        "IP",
        "ID",
        "Cookie",
        "App",
        "WeCom",
        "Bearer",
        "Authorization",
        "Token",
        "zip",
        # security and regulatory abbreviations shown as such in Chinese practice
        "DDoS",
        "DLP",
        "SIEM",
        "CAC",
        "CSRC",
        "SOC",
        "VPN",
        "APT",
        "SQL",
        # national incident grades (I–IV); the source markers of rules and criteria: [C] read in
        # the official text, [Q] quoted second-hand, [S] the firm's own assumption
        "I",
        "II",
        "III",
        "IV",
        "C",
        "Q",
        "S",
        # the language menu names each language in itself
        "English",
    }
)
# Stripped before the scan: e-mail addresses, URLs, file names and paths, and codes (references
# such as SJAQ-2026-0001, XY-DEMO-0001, O10-plan, JR/T 0158: letters joined by - or / or with
# digits).
NOT_WORDS = [
    re.compile(r"\S+@\S+"),
    re.compile(r"https?://\S+"),
    re.compile(r"\S+\.(?:json|zip|md|csv|xlsx|pdf|ics|txt|png|docx)\b", re.I),
    re.compile(r"[A-Za-z0-9]+(?:[-/_][A-Za-z0-9]+)+"),
    re.compile(r"(?<![\w-])--?[a-z]+\b"),  # a command's option (sha256sum -c)
    re.compile(r"\b\w*\d\w*\b"),
]
# Pages of a menu whose text is another part of issue 18's work: still opened (200) and
# photographed, not scanned. Remove an entry once its page is Chinese.
NOT_SCANNED: dict[str, str] = {}
# Pages built by another part of issue 18 (branch named): what is found there is reported as an
# expected failure naming the branch, not as this test's failure, until the branch is merged.
# Remove an entry once its branch is in.
OWNED_ELSEWHERE: dict[str, str] = {}


def judge(problems: list[tuple[str, str]]):
    """Fail on what this branch owns; xfail, naming the owner, when only others' pages fail."""
    mine = [text for path, text in problems if path not in OWNED_ELSEWHERE]
    theirs = [
        f"{text}  [{OWNED_ELSEWHERE[path]}]" for path, text in problems if path in OWNED_ELSEWHERE
    ]
    assert not mine, "\n".join(mine + theirs)
    if theirs:
        pytest.xfail("only on pages owned elsewhere:\n" + "\n".join(theirs))


VISIBLE_TEXT = """() => {
  const body = document.body.cloneNode(true);
  // The admin's icons are glyphs of an icon font written as their names ("add", "shield");
  // <kbd> names a key to press (its search box's "t").
  body.querySelectorAll(
    'code, kbd, [lang="en"], [translate="no"], script, style, .material-symbols-outlined'
  ).forEach(
    (e) => e.remove());
  document.documentElement.appendChild(body);
  const text = body.innerText;
  body.remove();
  return text;
}"""


def english_words(text: str) -> list[str]:
    for pattern in NOT_WORDS:
        text = pattern.sub(" ", text)
    words = set(re.findall(r"[A-Za-z][A-Za-z'’]*", text))
    return sorted(w for w in words if w not in ALLOWED_WORDS)


@pytest.fixture
def demo(django_db_blocker):
    with django_db_blocker.unblock(), redirect_stdout(io.StringIO()):
        call_command("seed_demo")


def sign_in_demo(page, username: str):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"


def slug(path: str) -> str:
    return path.strip("/").replace("/", "_") or "home"


def menu_links(page) -> list[tuple[str, str]]:
    page.goto("/")
    return page.eval_on_selector_all(
        "#sidebar .app-nav a.nav-link",
        "els => els.map(e => [e.textContent.trim(), e.getAttribute('href')])",
    )


def test_every_menu_page_of_every_role_answers_200_in_chinese(page, demo):
    problems = []
    for role in ROLES:
        sign_in_demo(page, role)
        links = menu_links(page)
        assert links, f"{role} has an empty menu"
        labels = [label for label, _ in links]
        assert len(labels) == len(set(labels)), f"{role}: one label twice in the menu: {labels}"
        hrefs = [href for _, href in links]
        assert len(hrefs) == len(set(hrefs)), f"{role}: two menu entries lead to one page"
        folder = SCREENSHOTS / role
        folder.mkdir(parents=True, exist_ok=True)
        for label, href in [("首页", "/"), *links]:
            response = page.goto(href)
            page.wait_for_load_state()
            page.screenshot(path=str(folder / f"{slug(href)}.png"), full_page=True)
            if response is None or response.status != 200:
                problems.append((href, f"{role} {href} ({label}): {response and response.status}"))
                continue
            if href in NOT_SCANNED:
                continue
            # Codes and data kept in English on purpose (an item's English name, an external
            # id, an account name) are marked in the page and left out of the scan.
            words = english_words(page.evaluate(VISIBLE_TEXT))
            if words:
                problems.append((href, f"{role} {href} ({label}): English {words}"))
    judge(problems)


def first_link(page, path: str, pattern: str) -> str:
    page.goto(path)
    for href in page.eval_on_selector_all(
        "#main a[href]", "els => els.map(e => e.getAttribute('href'))"
    ):
        if re.fullmatch(pattern, href or ""):
            return href
    raise AssertionError(f"no link like {pattern} on {path}")


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = []
    for v in Axe().run(page).response["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = [" ".join(n["target"]) for n in v["nodes"][:5]]
            found.append(f"{v['impact']} {v['id']} ({v['help']}): {targets}")
    return found


def test_main_pages_have_no_serious_accessibility_violation(page, demo):
    sign_in_demo(page, "compliance")
    incident = first_link(page, "/incidents/", r"/incidents/\d+/")
    report = first_link(page, "/reporting/", r"/reporting/reports/\d+/")
    pages = {
        "compliance": ["/", "/incidents/", incident, report, "/governance/", "/audit/"],
        "handler": ["/", incident, report],
        "staff": ["/", "/training/"],
        "auditor": ["/", "/audit/"],
    }
    problems = []
    for role, paths in pages.items():
        sign_in_demo(page, role)
        for path in paths:
            page.goto(path)
            page.wait_for_load_state()
            problems += [(path, f"{role} {path}: {v}") for v in serious_violations(page)]
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    problems += [("/accounts/login/", f"signed out: {v}") for v in serious_violations(page)]
    judge(problems)


def test_on_a_phone_the_menu_opens_off_canvas(page, demo):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_demo(page, "staff")
    page.goto("/")
    sidebar_link = page.locator("#sidebar a.nav-link").first
    assert not sidebar_link.is_visible(), "the menu takes the phone's screen before it is asked for"
    toggle = page.locator(".app-topbar button[data-bs-target='#sidebar']")
    assert toggle.is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390-px screen"
    toggle.click()
    page.locator("#sidebar.show").wait_for(state="visible")
    assert sidebar_link.is_visible()
    folder = SCREENSHOTS / "staff"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "phone-menu.png"))
    href = page.locator("#sidebar a.nav-link", has_text="我的培训").get_attribute("href")
    page.locator("#sidebar a.nav-link", has_text="我的培训").click()
    page.wait_for_load_state()
    assert page.url.endswith(href)
    page.screenshot(path=str(folder / "phone-training.png"), full_page=True)
