#!/usr/bin/env bash
# README.md's list of every command's options is the one the option tables
# make (scripts/readme-options); it fails when an option was added, renamed
# or described anew without regenerating it.
set -uo pipefail
: "${NM:?NM must name the needsmap binary}" "${NM_SRC:?NM_SRC must name the source tree}"
"$NM_SRC/scripts/readme-options" --check "$NM" "$NM_SRC/README.md" && echo "README options up to date"
