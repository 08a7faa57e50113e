-- Re-partition a flat landing area by date: every object goes under
-- year=YYYY/month=MM/day=DD/ (from its last-modified time, UTC), keeping its
-- path below the source prefix. Only objects older than a day are taken,
-- so files still being written are left alone.
local s3e = require "s3engine"
local route = require "s3engine.recipes.route"
local rewrite = require "s3engine.recipes.rewrite"
local select = require "s3engine.recipes.select"

return {
  sources = { { bucket = s3e.args.src or "landing", prefix = s3e.args.prefix or "incoming/" } },
  targets = { lake = { bucket = s3e.args.dst or "lake", prefix = "events/" } },
  select = select.older_than(s3e.args.min_age or "1d"),
  route = route.rewrite(route.fanout("lake"),
                        rewrite.date_partition{ format = "year=%Y/month=%m/day=%d" }),
  payload = "2GB",
}
