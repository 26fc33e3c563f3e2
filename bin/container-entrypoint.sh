#!/bin/sh
# The image's entry point: checks that the user the image runs as (node, uid 1000) may write the data folder,
# then runs the command (`node bin/paperboy.js serve` unless another is given). Without it, a host folder
# mounted on /data that uid 1000 may not write ends the server with a bare "EACCES ... /data/paperboy.db".
set -e
db=${PAPERBOY_DB:-/data/paperboy.db}
dir=$(dirname "$db")
for path in "$dir" "$db" "${PAPERBOY_OUTBOX:-}"; do
  if [ -n "$path" ] && [ -e "$path" ] && [ ! -w "$path" ]; then
    echo "paperboy: $path belongs to uid $(stat -c %u "$path") and uid $(id -u), the user this image runs as, may not write it." \
      "A host folder mounted on $dir must belong to uid $(id -u): chown -R $(id -u):$(id -g) <the folder>, or use a named volume (-v paperboy-data:$dir)." >&2
    exit 1
  fi
done
exec "$@"
