require "json"
require "pg"

class Api
  def call(env)
    return [200, { "content-type" => "application/json" }, ['{"status":"ok"}']] if env["PATH_INFO"] == "/healthz"
    db = PG.connect(ENV.fetch("DATABASE_URL"))
    [200, { "content-type" => "application/json" }, [JSON.generate(db.exec("select 1").values)]]
  end
end
