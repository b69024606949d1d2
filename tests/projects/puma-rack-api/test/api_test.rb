require "minitest/autorun"
require "rack/test"
require_relative "../lib/api"

class ApiTest < Minitest::Test
  include Rack::Test::Methods
  def app = Api.new

  def test_health
    get "/healthz"
    assert last_response.ok?
  end
end
