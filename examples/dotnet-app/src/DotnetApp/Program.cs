// A minimal API: GET / greets (GREETING from the environment), GET /healthz answers ok.
// The port is the image's (ASPNETCORE_HTTP_PORTS=8080 in Microsoft's .NET 8 images).
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

app.MapGet("/", (IConfiguration config) => Greeter.Greet(config["GREETING"]));
app.MapGet("/healthz", () => Results.Text("ok"));

app.Run();

public static class Greeter
{
    public static string Greet(string? greeting) =>
        string.IsNullOrWhiteSpace(greeting) ? "hello from dotnet-app" : greeting.Trim();
}

public partial class Program { }
