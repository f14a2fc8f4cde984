using DockerOps.Core.Common;

namespace DockerOps.Core.Tests;

public sealed class DockerUnitsTests
{
    [Theory]
    [InlineData("1s", 1_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("250ms", 250)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("0", 0)]
    public void Durations_are_read_the_way_the_docker_cli_writes_them(string text, long milliseconds)
    {
        Assert.True(DockerDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("1x")]
    [InlineData("s")]
    [InlineData("-1s")]
    [InlineData("1s2")]
    public void Text_that_is_not_a_duration_is_refused(string text) =>
        Assert.False(DockerDuration.TryParse(text, out _));

    [Theory]
    [InlineData(90_000, "1m30s")]
    [InlineData(3_600_000, "1h")]
    [InlineData(250, "250ms")]
    public void Durations_are_written_back_in_the_cli_form(long milliseconds, string text) =>
        Assert.Equal(text, DockerDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData("256m", 256L << 20)]
    [InlineData("1g", 1L << 30)]
    [InlineData("1G", 1L << 30)]
    [InlineData("512k", 512L << 10)]
    [InlineData("1024", 1024)]
    [InlineData("64mb", 64L << 20)]
    public void Memory_sizes_use_binary_units_like_docker_run(string text, long bytes)
    {
        Assert.True(ByteSize.TryParse(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("12q")]
    [InlineData("-5m")]
    public void Text_that_is_not_a_size_is_refused(string text) => Assert.False(ByteSize.TryParse(text, out _));

    [Fact]
    public void Since_accepts_a_duration_back_from_now_unix_seconds_and_rfc3339()
    {
        var now = new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

        Assert.True(PointInTime.TryParse("10m", now, out var tenMinutesAgo));
        Assert.Equal(now.AddMinutes(-10), tenMinutesAgo);
        Assert.True(PointInTime.TryParse("1764849600", now, out var unix));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1764849600), unix);
        Assert.True(PointInTime.TryParse("2026-12-04T11:00:00Z", now, out var rfc));
        Assert.Equal(now.AddHours(-1), rfc);
        Assert.False(PointInTime.TryParse("yesterday-ish", now, out _));
    }
}
