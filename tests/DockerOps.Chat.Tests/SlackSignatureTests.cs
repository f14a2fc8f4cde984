using System.Text;
using DockerOps.Chat.Slack;
using Microsoft.Extensions.Time.Testing;

namespace DockerOps.Chat.Tests;

public sealed class SlackSignatureTests
{
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string Timestamp = "1531420618";
    private const string Body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    private const string Expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    private static SlackSignatureVerifier At(long unixSeconds) => new(new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)));

    [Fact]
    public void Slacks_documented_example_signs_to_the_documented_value()
    {
        Assert.Equal(Expected, SlackSignatureVerifier.Sign(Secret, Timestamp, Encoding.UTF8.GetBytes(Body)));
        Assert.Equal(SlackSignatureCheck.Valid, At(1531420618 + 10).Verify(Secret, Timestamp, Expected, Encoding.UTF8.GetBytes(Body)));
    }

    [Fact]
    public void A_tampered_body_or_wrong_secret_does_not_match()
    {
        Assert.Equal(SlackSignatureCheck.Mismatch, At(1531420618).Verify(Secret, Timestamp, Expected, Encoding.UTF8.GetBytes(Body.Replace("roadrunner", "coyote"))));
        Assert.Equal(SlackSignatureCheck.Mismatch, At(1531420618).Verify(Secret + "x", Timestamp, Expected, Encoding.UTF8.GetBytes(Body)));
        Assert.Equal(SlackSignatureCheck.Mismatch, At(1531420618).Verify(Secret, Timestamp, Expected.ToUpperInvariant().Replace("V0=", "v0="), Encoding.UTF8.GetBytes(Body)));
    }

    [Theory]
    [InlineData(301)]
    [InlineData(-301)]
    public void A_timestamp_more_than_five_minutes_away_is_expired_either_way(int offset)
    {
        Assert.Equal(SlackSignatureCheck.Expired, At(1531420618 + offset).Verify(Secret, Timestamp, Expected, Encoding.UTF8.GetBytes(Body)));
        Assert.Equal(SlackSignatureCheck.Valid, At(1531420618 + Math.Sign(offset) * 299).Verify(Secret, Timestamp, Expected, Encoding.UTF8.GetBytes(Body)));
    }

    [Fact]
    public void The_same_signature_is_accepted_once()
    {
        var verifier = At(1531420618);

        Assert.Equal(SlackSignatureCheck.Valid, verifier.Verify(Secret, Timestamp, Expected, Encoding.UTF8.GetBytes(Body)));
        Assert.Equal(SlackSignatureCheck.Replayed, verifier.Verify(Secret, Timestamp, Expected, Encoding.UTF8.GetBytes(Body)));
    }

    [Theory]
    [InlineData(null, Expected)]
    [InlineData(Timestamp, null)]
    [InlineData("soon", Expected)]
    [InlineData(Timestamp, "a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData("99999999999999999999", Expected)]
    public void Missing_or_malformed_headers_are_refused(string? timestamp, string? signature)
    {
        Assert.Equal(SlackSignatureCheck.Missing, At(1531420618).Verify(Secret, timestamp, signature, Encoding.UTF8.GetBytes(Body)));
    }
}
