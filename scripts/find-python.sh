#!/bin/sh
# Prints the path of a Python >= 3.12: python3.13 / python3.12 on PATH, then pyenv's.
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
for p in python3.13 python3.12 python3; do
  if command -v "$p" >/dev/null 2>&1 && ok "$p"; then command -v "$p"; exit 0; fi
done
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
for p in "$root"/versions/3.13*/bin/python3 "$root"/versions/3.12*/bin/python3; do
  if [ -x "$p" ] && ok "$p"; then echo "$p"; exit 0; fi
done
echo "zhiban needs Python >= 3.12: install python3.13 or python3.12 (or pyenv install 3.13)" >&2
exit 1
