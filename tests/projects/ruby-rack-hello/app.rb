require "json"

class HelloApp
  def call(env)
    req = Rack::Request.new(env)
    case req.path_info
    when "/"
      [200, { "content-type" => "text/plain" }, ["Hello from Rack, #{req.params.fetch('name', 'world')}!\n"]]
    when "/health"
      [200, { "content-type" => "application/json" }, [JSON.generate(status: "ok")]]
    else
      [404, { "content-type" => "text/plain" }, ["not found\n"]]
    end
  end
end
