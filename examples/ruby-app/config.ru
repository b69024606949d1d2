# Served by rackup (WEBrick); `rackup config.ru` in this folder runs it locally.
require_relative "lib/greeter"

use Rack::Static, urls: ["/static"], root: "public"
run Greeter::App.new
