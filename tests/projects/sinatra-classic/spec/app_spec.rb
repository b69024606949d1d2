ENV["APP_ENV"] = "test"
require_relative "../app"
require "rack/test"

RSpec.describe "the app" do
  include Rack::Test::Methods
  def app = Sinatra::Application

  it "is healthy" do
    get "/healthz"
    expect(last_response).to be_ok
  end
end
