using Microsoft.AspNetCore.Mvc.Testing;

public class AppTests : IClassFixture<WebApplicationFactory<Program>>
{
    private readonly WebApplicationFactory<Program> _factory;

    public AppTests(WebApplicationFactory<Program> factory) => _factory = factory;

    [Fact]
    public async Task Healthz_answers_ok()
    {
        var body = await _factory.CreateClient().GetStringAsync("/healthz");
        Assert.Equal("ok", body);
    }

    [Theory]
    [InlineData(null, "hello from dotnet-app")]
    [InlineData("  hi  ", "hi")]
    public void Greeting_falls_back_and_is_trimmed(string? given, string expected)
    {
        Assert.Equal(expected, Greeter.Greet(given));
    }
}
