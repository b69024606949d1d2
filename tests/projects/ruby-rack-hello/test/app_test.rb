require "minitest/autorun"
require "rack"
require "rack/mock"
require_relative "../app"

class HelloAppTest < Minitest::Test
  def request
    Rack::MockRequest.new(HelloApp.new)
  end

  def test_root_greets
    assert_equal "Hello from Rack, world!\n", request.get("/").body
  end

  def test_name_param
    assert_includes request.get("/?name=Matz").body, "Matz"
  end

  def test_unknown_is_404
    assert_equal 404, request.get("/nope").status
  end
end
