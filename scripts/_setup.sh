# Shared by scripts/run and scripts/test (sourced, not executed).

setup_venv() {
  local extras="$1"
  local py=${PYTHON:-python3}
  [ -x .venv/bin/python ] || "$py" -m venv .venv
  # Reinstall only when pyproject.toml changed since the last install.
  local stamp=".venv/.installed${extras:+-$extras}"
  local want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    # pip's own output goes to a log; only a failure shows it.
    local log
    log=$(mktemp)
    echo "Installing the Python packages into .venv (first run: a few minutes)..."
    if ! { .venv/bin/python -m pip install -q --upgrade pip &&
      .venv/bin/python -m pip install -q -e ".${extras:+[$extras]}"; } >"$log" 2>&1; then
      cat "$log" >&2
      echo "ERROR: pip install failed (output above)." >&2
      rm -f "$log"
      return 1
    fi
    rm -f "$log"
    echo "$want" >"$stamp"
  fi
}

# Chinese PDFs need a CJK font; Debian's fonts-noto-cjk is installed when missing and possible.
ensure_cjk_font() {
  if command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh 2>/dev/null | head -n1)" ]; then
    return 0
  fi
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "Installing a CJK font (fonts-noto-cjk) for Chinese PDFs..."
    (apt-get install -y -q fonts-noto-cjk >/dev/null 2>&1 ||
      (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q fonts-noto-cjk >/dev/null 2>&1)) && return 0
  fi
  echo "WARNING: no Chinese font found; install fonts-noto-cjk (or fonts-wqy-zenhei) for PDFs." >&2
  return 1
}

# Browser journeys (tests/browser) drive Debian's Chromium with Playwright; Playwright never
# downloads a browser of its own. Installed with apt-get when missing and possible.
ensure_chromium() {
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  [ -x /usr/bin/chromium ] && return 0
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "Installing Debian's chromium for the browser journeys..."
    (DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 ||
      (apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1)) && return 0
  fi
  echo "WARNING: /usr/bin/chromium missing; the browser journeys will be skipped." >&2
  return 1
}

# Directory sign-in tests (tests/accounts/test_ldap.py) start Debian's OpenLDAP server (slapd) on a
# free port; python-ldap builds against libldap2-dev/libsasl2-dev. Installed with apt-get when
# missing and possible; the tests skip with the reason otherwise.
ensure_slapd() {
  [ -x /usr/sbin/slapd ] && [ -f /usr/include/ldap.h ] && return 0
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "Installing Debian's slapd for the directory sign-in tests..."
    local pkgs="slapd ldap-utils libldap2-dev libsasl2-dev"
    (DEBIAN_FRONTEND=noninteractive apt-get install -y -q $pkgs >/dev/null 2>&1 ||
      (apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $pkgs >/dev/null 2>&1)) && return 0
  fi
  echo "WARNING: /usr/sbin/slapd missing; the directory sign-in tests will be skipped." >&2
  return 1
}

# OpenID Connect sign-in tests (tests/accounts/test_oidc.py) start a real OpenID provider (panva's
# oidc-provider, version pinned in tests/accounts/oidc_provider/package.json) with Node.js; its
# node_modules/ is never committed. The tests skip with the reason when node/npm are missing.
ensure_oidc_provider() {
  local dir="tests/accounts/oidc_provider"
  local stamp="$dir/node_modules/.installed"
  local want
  want=$(sha256sum "$dir/package.json" | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  if ! command -v npm >/dev/null; then
    echo "WARNING: npm missing; the OpenID Connect sign-in tests will be skipped." >&2
    return 1
  fi
  echo "Installing the OpenID provider for the sign-in tests (oidc-provider) with npm..."
  (cd "$dir" && npm install --no-package-lock --no-audit --no-fund --loglevel=error >/dev/null) &&
    echo "$want" >"$stamp"
}

# Front-end packages (Bootstrap, bootstrap-icons, ECharts; versions in package.json) are fetched
# from the npm registry into node_modules/ (never committed) and served as static files from
# there (config/settings/base.py: STATICFILES_DIRS). No CDN at run time, no build step.
# Reinstalled only when package.json changed since the last install.
ensure_assets() {
  local stamp="node_modules/.installed"
  local want
  want=$(sha256sum package.json | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  if ! command -v npm >/dev/null; then
    echo "ERROR: npm is missing. The pages' styles and charts (Bootstrap, bootstrap-icons, ECharts)" >&2
    echo "are installed with npm: install Node.js and npm (Debian: apt-get install npm), then rerun." >&2
    return 1
  fi
  echo "Installing the front-end packages (Bootstrap, bootstrap-icons, ECharts) with npm..."
  if ! npm install --no-package-lock --no-audit --no-fund --loglevel=error >/dev/null; then
    echo "ERROR: npm install failed (see the output of 'npm install' run by hand)." >&2
    return 1
  fi
  echo "$want" >"$stamp"
}
