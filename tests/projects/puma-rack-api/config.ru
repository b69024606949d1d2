require_relative "lib/api"
run Api.new
