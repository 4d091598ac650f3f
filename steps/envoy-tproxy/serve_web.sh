#!/usr/bin/env bash
# The web server: a one-page site on port 80. Python's http.server logs every request with the
# address the connection came from, which is how the tutorial sees that there was no NAT.
# Usage: serve_web.sh LOG_DIR   (the page goes to LOG_DIR/www, the log to LOG_DIR/web.log)
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then exec sudo -- "$0" "$@"; fi

log_dir=${1:?usage: serve_web.sh LOG_DIR}
mkdir -p "$log_dir/www"
echo "hello from web" >"$log_dir/www/index.html"
# -u: unbuffered, so that "Serving HTTP" and each request line show up at once.
python3 -u -m http.server 80 --directory "$log_dir/www" 2>&1 | tee "$log_dir/web.log"
