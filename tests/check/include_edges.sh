#!/usr/bin/env bash
# The modules of src/ may include only what the architecture allows: src/cli
# sees include/ alone (and its own cli.h); a stage uses the public headers of
# the stages it is allowed to call (MAY below) and no other module's private
# headers, except the store's, which is how every stage reads and writes the
# store (as SQLite's stages share sqliteInt.h).  First the check is run on a
# small tree with one bad include, which it must refuse, then on src/.
set -uo pipefail
: "${NM_SRC:?NM_SRC must name the source tree}"

# The modules each module may use, through their public headers
# (include/needsmap/X.h; options.h belongs to batch, needsmap.h to all).
declare -A MAY=(
  [core]="core"
  [store]="core store"
  [analyse]="core store analyse"
  [ingest]="core store ingest analyse"
  [classify]="core classify"
  [render]="core render"
  [report]="core store analyse classify render ingest report"
  [batch]="core store ingest analyse classify render report batch"
)
# Private headers opened to the modules named, besides nm_int.h (core): the
# store's, through which stages read and write it, and render's page
# drawing, with which report composes its pages.
declare -A OPEN=(
  [store/store_int.h]="ingest analyse report batch"
  [store/geom_int.h]="analyse report"
  [render/page_int.h]="report"
)
# Edges found when the check was written and not yet removed, one
# "file header" a line.  Each must still occur, so the list only shrinks.
KNOWN=(
)

# module of a path under src/: its first folder; files in src/ itself are core
module_of() {
  case "$1" in
  */*) echo "${1%%/*}" ;;
  *) echo core ;;
  esac
}

# public header (needsmap/x.h) -> the module it belongs to
public_module() {
  case "$1" in
  needsmap/options.h | needsmap/build.h) echo batch ;;
  needsmap/needsmap.h) echo all ;;
  needsmap/*.h) local b="${1#needsmap/}" && echo "${b%.h}" ;;
  esac
}

# one include of 'file' (path under src/); prints why it is refused, if it is
judge() {
  local file="$1" inc="$2" mod allowed pm
  mod="$(module_of "$file")"
  case "$inc" in
  *..*) echo "climbs out of its folder"; return ;;
  esac
  if [ "$mod" = cli ]; then
    case "$inc" in
    cli.h | needsmap/*.h) return ;;
    *) echo "src/cli sees only include/ (and cli.h)"; return ;;
    esac
  fi
  case "$inc" in
  nm_int.h | nm_lazy.h) return ;;
  needsmap/*.h)
    pm="$(public_module "$inc")"
    allowed=" ${MAY[$mod]:-} "
    if [ -z "$pm" ] || [ "$pm" = all ]; then
      echo "a module includes the public header of the modules it uses, not $inc"
    elif [[ "$allowed" != *" $pm "* ]]; then
      echo "$mod may not call $pm (it may use:${allowed% })"
    fi
    return ;;
  */*)
    [ "$(module_of "$inc")" = "$mod" ] && return
    [[ " ${OPEN[$inc]:-} " == *" $mod "* ]] && return
    echo "private to $(module_of "$inc"); use its public header or a call of its own"
    return ;;
  *) return ;; # beside the file, or generated into the module's build folder
  esac
}

# every "file header" include edge under root/src, one a line
edges() {
  (cd "$1/src" && grep -rHn --include='*.c' --include='*.h' -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' . |
    sed -E 's|^\./||; s|^([^:]*):([0-9]+):[^"]*"([^"]*)".*|\1 \2 \3|')
}

# checks root/src; prints each refused edge and fails when there is one
check_tree() {
  local root="$1" file line inc why bad=0 k seen
  declare -A found=()
  while read -r file line inc; do
    why="$(judge "$file" "$inc")"
    [ -z "$why" ] && continue
    found["$file $inc"]=1
    seen=0
    for k in "${KNOWN[@]}"; do [ "$k" = "$file $inc" ] && seen=1; done
    [ "$seen" = 1 ] && continue
    echo "src/$file:$line: includes \"$inc\": $why"
    bad=1
  done < <(edges "$root")
  if [ "$root" = "$NM_SRC" ]; then
    for k in "${KNOWN[@]}"; do
      if [ -z "${found[$k]:-}" ]; then
        echo "tests/check/include_edges.sh: \"$k\" is gone: take it off KNOWN"
        bad=1
      fi
    done
  fi
  return "$bad"
}

# Render owns every pixel: outside src/render no file calls cairo or Pango
# (report composes pages through render/page_int.h, which includes them).
# Prints each call and fails when there is one.
check_pixels() {
  local root="$1" out
  out="$(cd "$root/src" && grep -rnE --include='*.c' --include='*.h' '\b(cairo|pango)_[a-z0-9_]+[[:space:]]*\(' . |
    grep -v '^\./render/' | sed -E 's|^\./||')"
  [ -z "$out" ] && return 0
  while IFS= read -r line; do
    echo "src/${line%%:*}:$(echo "$line" | cut -d: -f2): calls cairo or Pango: drawing is render's (render/page_int.h)"
  done <<< "$out"
  return 1
}

# the check must refuse a bad include: a tree where report reaches into
# render's private header, and one where cli reaches into the library
self_test() {
  local t rc=0 out
  t="$(mktemp -d)" || return 1
  mkdir -p "$t/src/report" "$t/src/render" "$t/src/cli"
  printf '#include "render/render_int.h"\n' > "$t/src/report/page.c"
  printf '#include "nm_int.h"\n#include "needsmap/render.h"\n' > "$t/src/render/draw.c"
  printf '#include "cli.h"\n#include "store/store_int.h"\n' > "$t/src/cli/main.c"
  out="$(check_tree "$t")" && rc=1
  [[ "$out" == *'src/report/page.c:1: includes "render/render_int.h"'* ]] || rc=1
  [[ "$out" == *'src/cli/main.c:2: includes "store/store_int.h"'* ]] || rc=1
  [[ "$out" != *draw.c* ]] || rc=1
  printf 'static void dot(cairo_t *cr) { cairo_arc(cr, 0, 0, 1, 0, 6.3); }\n' > "$t/src/report/chart.c"
  printf 'static void dot(cairo_t *cr) { cairo_arc(cr, 0, 0, 1, 0, 6.3); }\n' > "$t/src/render/ok.c"
  out="$(check_pixels "$t")" && rc=1
  [[ "$out" == *'src/report/chart.c:1: calls cairo or Pango'* ]] || rc=1
  [[ "$out" != *ok.c* ]] || rc=1
  rm -rf -- "$t"
  [ "$rc" = 0 ] || echo "self-test: the check did not refuse the bad includes as it should: $out"
  return "$rc"
}

self_test || exit 1
check_tree "$NM_SRC" || exit 1
check_pixels "$NM_SRC" || exit 1
echo "include edges as allowed; no drawing outside render"
