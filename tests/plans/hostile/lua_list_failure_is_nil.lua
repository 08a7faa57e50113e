-- hostile: s3engine.list of a bucket that does not exist answers nil, message (as head
-- and io.open do) instead of raising: a plan can handle an expected failure
-- expect-stderr: listed: nil NoSuchBucket
-- expect-stderr: lua_list_failure_is_nil.lua:7:
local s3engine = require("s3engine")
local found, msg = s3engine.list("@SRC@-no-such-bucket", "in/")
error("listed: " .. tostring(found) .. " " .. (tostring(msg):match("NoSuchBucket") or tostring(msg)))
