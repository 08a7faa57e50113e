-- bench-copy.lua - the s3engine plan behind `make bench` (scripts/bench.py).
-- Copies every object under src/prefix to dst/dst_prefix, server-side.
--   ./s3engine scripts/bench-copy.lua --arg src=bench-src --arg prefix=small/ \
--       --arg dst=bench-dst --arg dst_prefix=run1/
local a = require("s3engine").args
return {
  sources = { { bucket = a.src, prefix = a.prefix } },
  target = { bucket = a.dst, prefix = a.dst_prefix },
}
