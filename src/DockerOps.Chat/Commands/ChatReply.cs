namespace DockerOps.Chat.Commands;

public enum ReplyTone
{
    Info,
    Success,
    Warning,
    Error,
}

public enum ChatButtonStyle
{
    Primary,
    Danger,
    Secondary,
}

/// <summary>A button; <see cref="ActionId"/> comes back when it is clicked (Slack action_id, Discord custom_id).</summary>
public sealed record ChatButton(string Label, string ActionId, ChatButtonStyle Style);

/// <summary>
/// An answer, independent of the platform: a headline, a few lines, an optional preformatted block
/// and buttons. Text may use `code` spans and the platforms' shared mention form &lt;@id&gt; only, so
/// that both renderers show it the same way.
/// </summary>
public sealed record ChatReply(ReplyTone Tone, string Headline, IReadOnlyList<string> Lines)
{
    public string? Code { get; init; }

    public IReadOnlyList<ChatButton> Buttons { get; init; } = [];

    /// <summary>Posted for the whole channel to see (changes), or only to the caller (reads, errors).</summary>
    public bool InChannel { get; init; }

    public static ChatReply Info(string headline, params string[] lines) => new(ReplyTone.Info, headline, lines);

    public static ChatReply Success(string headline, params string[] lines) => new(ReplyTone.Success, headline, lines);

    public static ChatReply Warning(string headline, params string[] lines) => new(ReplyTone.Warning, headline, lines);

    public static ChatReply Error(string headline, params string[] lines) => new(ReplyTone.Error, headline, lines);

    /// <summary>The whole reply as plain text with `code` spans, for logs, tests and fallbacks.</summary>
    public string ToPlainText() =>
        string.Join('\n', new[] { Headline }.Concat(Lines).Concat(Code is null ? [] : [Code]));
}
