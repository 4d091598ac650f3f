#!/usr/bin/env bash
# Removes what serve_web.sh left on the web server: the page and the request log.
# Usage: clean_web.sh LOG_DIR
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then exec sudo -- "$0" "$@"; fi

log_dir=${1:?usage: clean_web.sh LOG_DIR}
rm -rf "$log_dir/www" "$log_dir/web.log"
rmdir "$log_dir" 2>/dev/null || true
echo "web server files removed"
