using Microsoft.AspNetCore.Http;

namespace DockerOps.Chat;

/// <summary>Signatures are over the exact bytes received, so the body is read raw before anything parses it.</summary>
internal static class RawBody
{
    public const int MaxBytes = 256 * 1024;

    /// <summary>The body, or null when it is larger than any chat platform sends.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
            return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
