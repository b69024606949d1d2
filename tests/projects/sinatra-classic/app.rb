require "sinatra"
require "json"

set :port, ENV.fetch("PORT", 4567)

get "/" do
  erb :index, locals: { motd: ENV.fetch("MOTD", "Hello") }
end

get "/healthz" do
  content_type :json
  { status: "ok" }.to_json
end
