# The service: a greeting (its text from GREETING) and a health endpoint.
require "json"
require "rack"

module Greeter
  def self.greeting(name, template = ENV.fetch("GREETING", "Hello, %s!"))
    format(template, name.to_s.empty? ? "world" : name)
  end

  class App
    def call(env)
      request = Rack::Request.new(env)
      case request.path_info
      when "/"
        text(200, Greeter.greeting(request.params["name"]) + "\n")
      when "/healthz"
        [200, { "content-type" => "application/json" }, [JSON.generate(status: "ok")]]
      else
        text(404, "not found\n")
      end
    end

    private

    def text(status, body)
      [status, { "content-type" => "text/plain" }, [body]]
    end
  end
end
