var path = Environment.GetEnvironmentVariable("INPUT_PATH");
var text = path is null ? Console.In.ReadToEnd() : File.ReadAllText(path);
var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
Console.WriteLine(words.Length);
