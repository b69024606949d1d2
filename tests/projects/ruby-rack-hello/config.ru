require "rack"
require_relative "app"

run HelloApp.new
