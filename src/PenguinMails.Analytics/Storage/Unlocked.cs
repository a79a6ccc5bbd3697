namespace PenguinMails.Analytics.Storage;

/// <summary>A lock that holds nothing, for engines where the database itself does the locking.</summary>
internal sealed class Unlocked : IAsyncDisposable
{
    public static readonly Unlocked Instance = new();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
