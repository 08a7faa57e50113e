-- Fan-out: every object goes to a primary bucket and to a backup bucket in
-- a colder storage class; objects under "tmp/" are not copied at all.
local s3e = require "s3engine"

return {
  sources = { { bucket = s3e.args.src or "media-source", prefix = s3e.args.prefix or "" } },
  targets = {
    primary = { bucket = s3e.args.dst or "media-primary", prefix = "" },
    backup  = { bucket = s3e.args.backup or "media-backup", prefix = "copy/",
                storage_class = s3e.args.backup_class },
  },
  select = function(obj) return not obj.rel:find("^tmp/") end,
  route = function(obj) return { "primary", "backup" } end,
  payload = { max_bytes = "1GB", max_objects = 2000 },
}
