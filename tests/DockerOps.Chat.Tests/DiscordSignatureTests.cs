using System.Text;
using DockerOps.Chat.Discord;
using NSec.Cryptography;

namespace DockerOps.Chat.Tests;

public sealed class DiscordSignatureTests
{
    [Fact]
    public void Rfc8032_test_1_verifies_and_a_changed_signature_does_not()
    {
        const string Signature = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
        var verifier = new DiscordSignatureVerifier("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");

        Assert.True(verifier.VerifyMessage([], Signature));
        Assert.False(verifier.VerifyMessage([], "f" + Signature[1..]));
    }

    [Fact]
    public void Rfc8032_test_2_verifies_as_timestamp_and_body()
    {
        const string Key = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
        const string Signature = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";

        // The message is the single byte 0x72 ('r'): as Discord splits it, timestamp "r" and an empty body.
        Assert.True(DiscordSignatureVerifier.Verify(Key, Signature, "r", []));
        Assert.False(DiscordSignatureVerifier.Verify(Key, Signature, "s", []));
    }

    [Fact]
    public void A_generated_key_signs_timestamp_then_body_and_any_tampering_fails()
    {
        using var key = Key.Create(SignatureAlgorithm.Ed25519);
        var publicKey = Convert.ToHexStringLower(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
        var body = Encoding.UTF8.GetBytes("{\"type\":1}");
        var signature = Convert.ToHexStringLower(SignatureAlgorithm.Ed25519.Sign(key, [.. "1700000000"u8, .. body]));

        Assert.True(DiscordSignatureVerifier.Verify(publicKey, signature, "1700000000", body));
        Assert.False(DiscordSignatureVerifier.Verify(publicKey, signature, "1700000001", body));
        Assert.False(DiscordSignatureVerifier.Verify(publicKey, signature, "1700000000", Encoding.UTF8.GetBytes("{\"type\":2}")));
        Assert.False(DiscordSignatureVerifier.Verify(publicKey, "zz" + signature[2..], "1700000000", body));
        Assert.False(DiscordSignatureVerifier.Verify(publicKey, signature[..126], "1700000000", body));
        Assert.False(DiscordSignatureVerifier.Verify(publicKey, null, "1700000000", body));
        Assert.False(DiscordSignatureVerifier.Verify(publicKey, signature, null, body));
        Assert.False(DiscordSignatureVerifier.Verify("not-a-key", signature, "1700000000", body));
    }
}
