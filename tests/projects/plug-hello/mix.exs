defmodule PlugHello.MixProject do
  use Mix.Project

  def project do
    [app: :plug_hello, version: "0.1.0", elixir: "~> 1.17", deps: deps()]
  end

  def application do
    [extra_applications: [:logger], mod: {PlugHello.Application, []}]
  end

  defp deps do
    [{:bandit, "~> 1.5"}]
  end
end
