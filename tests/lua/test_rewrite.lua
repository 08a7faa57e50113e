package.path = "tests/lua/?.lua;" .. package.path
local t = require "helpers"
local rewrite = require "s3engine.recipes.rewrite"
local o = t.obj

t.eq(rewrite.date_partition()(o("in/a/b.csv", 1, 1700000000, "in/")), "year=2023/month=11/day=14/a/b.csv", "default format")
t.eq(rewrite.date_partition({ format = "%Y/%m", keep = "name" })(o("in/a/b.csv", 1, 1700000000, "in/")), "2023/11/b.csv", "keep name")
t.eq(rewrite.date_partition({ format = "%Y/%m/%d", pattern = "(%d%d%d%d%-%d%d%-%d%d)" })(o("logs/app-2021-03-04.log")),
     "2021/03/04/logs/app-2021-03-04.log", "date from the key")
t.raises(function() rewrite.date_partition({ keep = "all" }) end, "keep must be", "bad keep")
t.eq(rewrite.flatten()(o("a/b/c.txt")), "c.txt", "flatten")
t.eq(rewrite.add_prefix("p/")(o("x/y")), "p/x/y", "add_prefix")
t.eq(rewrite.strip_prefix("x/")(o("x/y")), "y", "strip_prefix")
t.eq(rewrite.strip_prefix("q/")(o("x/y")), "x/y", "strip_prefix absent")
t.eq(rewrite.replace("%s+", "_")(o("a b  c")), "a_b_c", "replace")
t.eq(rewrite.lower()(o("A/B.JPG")), "a/b.jpg", "lower")
t.eq(rewrite.by_extension("media/")(o("x/clip.MP4")), "media/mp4/clip.MP4", "by_extension folders")
