return {
  sources = { { bucket = "src", prefix = "in/" } },
  targets = { out = { bucket = "dst", prefix = "out/", storage_class = "STANDARD_IA" } },
  select = function(o) return o.size > 0 end,
  route = function(o) return "out", o.key:gsub("^in/", "") end,
  payload = { max_bytes = "100MB", max_objects = 1000 },
}
