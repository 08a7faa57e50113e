# tests/plans/copycheck.sh - comparing a destination with its source, for plan
# tests. Source after lib.sh.

# listing BUCKET PREFIX [EGREP]: "rel<TAB>size<TAB>etag" sorted, rel = key
# below PREFIX, only keys matching EGREP. Multipart ETags ("...-N") are
# replaced by "-": they differ between a source and its copy by design.
listing() {
  local bucket=$1 prefix=$2 pat=${3:-.}
  s3check ls "s3://$bucket/$prefix" |
    awk -F'\t' -v p="$prefix" -v OFS='\t' '{ k = substr($1, length(p) + 1); e = ($3 ~ /-/) ? "-" : $3; print k, $2, e }' |
    grep -E -- "$pat" | LC_ALL=C sort
}

# expect_copied SRC_BUCKET SRC_PREFIX EGREP DST_BUCKET DST_PREFIX MSG: every
# source object whose relative key matches EGREP is at the destination under
# the same relative key, same size and ETag, and nothing else is there.
expect_copied() {
  local want got
  want=$(listing "$1" "$2" "$3")
  got=$(listing "$4" "$5")
  _CHECKS=$((_CHECKS + 1))
  if [ -z "$want" ]; then
    fail "$6: the source selection is empty (test set-up is wrong)"
  elif [ "$want" == "$got" ]; then
    _ok "$6 ($(wc -l <<<"$want") objects: keys, sizes, ETags)"
  else
    fail "$6: destination differs from source:
$(diff <(echo "$want") <(echo "$got") | head -20)"
  fi
}

# expect_same_objects SRC_BUCKET SRC_PREFIX DST_BUCKET DST_PREFIX REL...: bytes,
# content type, metadata and tags of each sample are identical.
expect_same_objects() {
  local sb=$1 sp=$2 db=$3 dp=$4 rel
  shift 4
  for rel in "$@"; do
    check "bytes, type, metadata, tags of $rel" s3check same "s3://$sb/$sp$rel" "s3://$db/$dp$rel"
  done
}

# summary_value OUTPUT LABEL: the number after "LABEL:" in s3engine's summary.
summary_value() {
  awk -v l="$2:" '$1 == l { print $2; exit }' <<<"$1"
}

# report_status REPORT.csv: "status<TAB>source" for each row of an s3engine CSV
# report (a CSV reader: keys and errors may hold commas and quotes), sorted.
report_status() {
  /usr/bin/python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline=""), strict=True))
for r in rows[1:]:
    print("%s\t%s" % (r[3], r[0]))' "$1" | LC_ALL=C sort
}
