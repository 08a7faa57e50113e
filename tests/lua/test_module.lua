-- The s3engine module's pure functions.
package.path = "tests/lua/?.lua;" .. package.path
local t = require "helpers"
local s3e = require "s3engine"

t.eq(s3e.size("800MB"), 800000000, "size MB")
t.eq(s3e.size("15GiB"), 15 * 1024 * 1024 * 1024, "size GiB")
t.eq(s3e.size(42), 42, "size of a number")
t.raises(function() s3e.size("lots") end, "is not a size", "bad size")
t.eq(s3e.duration("30d"), 30 * 86400, "duration days")
t.eq(s3e.duration("12h"), 12 * 3600, "duration hours")
t.raises(function() s3e.duration("soon") end, "is not a duration", "bad duration")

t.eq(s3e.glob("*.mp4", "a.mp4"), true, "glob star")
t.eq(s3e.glob("*.mp4", "dir/a.mp4"), false, "star stays in one folder")
t.eq(s3e.glob("**/*.mp4", "dir/sub/a.mp4"), true, "double star crosses folders")
t.eq(s3e.glob("**/*.mp4", "a.mp4"), true, "double star matches no folder")
t.eq(s3e.glob("img-??.[jp]*", "img-01.png"), true, "question marks and class")
t.eq(s3e.glob("img-[!0-9]", "img-5"), false, "negated class")
t.eq(s3e.glob("a\\*b", "a*b"), true, "escaped star")

t.eq(s3e.extension("dir/Movie.MP4"), "mp4", "extension lower-cased")
t.eq(s3e.extension("dir.v2/README"), "", "no extension")
t.eq(s3e.extension(".hidden"), "", "dot file has no extension")
t.eq(s3e.basename("a/b/c.txt"), "c.txt", "basename")
t.eq(s3e.dirname("a/b/c.txt"), "a/b/", "dirname")
t.eq(s3e.date("%Y/%m/%d", 1700000000), "2023/11/14", "date in UTC")
t.eq(s3e.parse_time("2023-11-14T22:13:20.000Z"), 1700000000, "parse ISO time")
t.eq(s3e.parse_time("yesterday"), nil, "bad time is nil")
t.eq(type(s3e.version), "string", "version")
t.eq(type(s3e.args), "table", "args")
t.raises(function() s3e.list("b", "p") end, "no S3 credentials", "list without a client")

-- bad arguments are raised the way Lua's own libraries raise them
t.raises(function() s3e.size("lots") end, "bad argument #1 to 'size'", "size argerror")
t.raises(function() s3e.duration("soon") end, "bad argument #1 to 'duration'", "duration argerror")
t.raises(function() s3e.glob(string.rep("*", 5000), "k") end, "bad argument #1 to 'glob'",
         "glob argerror")
t.raises(function() s3e.list("b", "a\0b") end, "bad argument #2 to 'list'", "list argerror")
t.raises(function() s3e.head("b", "a\0b") end, "bad argument #2 to 'head'", "head argerror")
