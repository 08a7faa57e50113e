# shellcheck shell=bash
# tests/plans/rich_objects.sh - source objects that carry everything a copy must
# carry over, for plan tests. Source after lib.sh.
#
#   put_rich_objects BUCKET PREFIX   4 objects of 6-12 MiB (multipart copies with
#       --multipart-cutoff 5MiB --part-size 5MiB) and 6 small ones, each with its
#       own Content-Type, Cache-Control, Content-Disposition, Content-Encoding,
#       Content-Language, user metadata and tags (some with none of them)
#   RICH_MP                          those two options, for s3e

RICH_MP=(--multipart-cutoff 5MiB --part-size 5MiB)

put_rich_objects() {
  local b=$1 p=$2
  check "rich objects: 4 multipart-sized and 6 small ones with content headers, metadata, tags" \
    _put_rich "$b" "$p"
}

_put_rich() {
  local b=$1 p=$2 list
  list=$(mktemp)
  cat >"$list" <<LIST
put s3://$b/${p}videos/big-1.mp4 12MiB --content-type video/mp4 --meta origin=camera-7 --meta take=3 --tag project=atlas --tag stage=raw --header CacheControl=max-age=600 --header ContentDisposition=inline
put s3://$b/${p}data/big-2.tar.gz 11MiB --content-type application/x-tar --meta k=v --tag a=b --header ContentEncoding=gzip --header ContentLanguage=en
put s3://$b/${p}data/big-3.bin 6MiB --header 'ContentDisposition=attachment; filename="b3.bin"' --header ContentLanguage=de-CH --meta note=x --tag only=one
put s3://$b/${p}videos/big-4.mov 7MiB
put s3://$b/${p}docs/small-1.txt 3000 --content-type text/markdown --meta author=ana --tag class=public --header CacheControl=no-cache
put s3://$b/${p}docs/small-2.html 1 --content-type 'text/html; charset=utf-8' --header ContentEncoding=br --header ContentLanguage=fr --meta a=1 --meta b=2 --meta c=3
put s3://$b/${p}docs/small-3.json 70000 --header 'ContentDisposition=attachment; filename="x.json"' --tag t1=1 --tag t2=2 --tag t3=3
put s3://$b/${p}docs/small-4.css 5000 --header CacheControl=public,max-age=31536000,immutable
put s3://$b/${p}docs/small-5.bin 123456 --content-type application/octet-stream --meta x=y
put s3://$b/${p}docs/small-6.svg 900 --content-type image/svg+xml --tag k=v
LIST
  s3check batch "$list" >/dev/null
  local rc=$?
  rm -f "$list"
  return $rc
}
