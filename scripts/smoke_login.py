"""Signs in as each demo user against a running server, checks the admin speaks Chinese and a
handler can open a demo incident (on the embedded database)."""

import re
import sys

import requests

BASE = sys.argv[1].rstrip("/")
PASSWORD = "Demo-2026!"


def login(username):
    s = requests.Session()
    page = s.get(f"{BASE}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    r = s.post(
        f"{BASE}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{BASE}/accounts/login/"},
        timeout=10,
    )
    assert r.url.rstrip("/") == BASE, f"{username}: login failed (ended at {r.url})"
    return s


for name in ("admin", "compliance", "handler", "auditor", "staff"):
    login(name)
admin_index = login("compliance").get(f"{BASE}/admin/", timeout=10)
assert (
    admin_index.status_code == 200 and "站点管理" in admin_index.text or "管理" in admin_index.text
), "admin is not in Chinese"
handler = login("handler")
listing = handler.get(f"{BASE}/incidents/", timeout=10)
case = re.search(r'href="(/incidents/\d+/)"', listing.text)
assert case, "the handler sees no demo incident"
page = handler.get(f"{BASE}{case.group(1)}", timeout=10)
assert page.status_code == 200 and "时间线" in page.text and "定级" in page.text, page.text[:500]
health = requests.get(f"{BASE}/health/", timeout=10).json()
assert health["database"]["status"] == "up", health
print("demo logins OK; admin in Chinese; incident page OK; health:", health["status"])
