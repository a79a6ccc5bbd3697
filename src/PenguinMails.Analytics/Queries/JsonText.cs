namespace PenguinMails.Analytics.Queries;

/// <summary>
/// The text of a json/jsonb column: written into JSON output as the value it holds (an object
/// stays an object), and into text output as it is.
/// </summary>
public readonly record struct JsonText(string Json)
{
    public override string ToString() => Json;
}
