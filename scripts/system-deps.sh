#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the app needs (PDF rendering with Chinese fonts, Python venv),
# when run as root with apt; otherwise prints the exact command to run.
set -euo pipefail

# Chromium is for the browser tests only (Playwright drives Debian's build; no browser download).
packages=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext chromium)

missing=()
for pkg in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
# python3-venv is only needed where python3 cannot make a venv by itself.
if python3 -c "import venv, ensurepip" 2>/dev/null; then
    missing=("${missing[@]/python3-venv/}")
fi
read -r -a missing <<<"${missing[*]:-}"

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "系统不是 Debian/Ubuntu:请自行安装 Pango、HarfBuzz subset 库和 Noto CJK 字体。" >&2
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    echo "安装系统依赖: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
    echo "缺少系统依赖,请运行:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
fi
