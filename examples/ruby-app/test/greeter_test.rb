require "minitest/autorun"
require "rack/mock"
require_relative "../lib/greeter"

class GreeterTest < Minitest::Test
  def app
    Rack::MockRequest.new(Greeter::App.new)
  end

  def test_greets_by_name
    assert_equal "Hello, Ada!\n", app.get("/?name=Ada").body
  end

  def test_greets_the_world_by_default
    assert_equal "Hello, world!\n", app.get("/").body
  end

  def test_health
    response = app.get("/healthz")
    assert_equal 200, response.status
    assert_equal '{"status":"ok"}', response.body
  end

  def test_unknown_path
    assert_equal 404, app.get("/nope").status
  end
end
