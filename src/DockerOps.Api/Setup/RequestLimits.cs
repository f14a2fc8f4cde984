using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace DockerOps.Api.Setup;

/// <summary>Settings under <c>Limits:</c>: a token bucket per principal and the largest request body.</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Requests a principal may make in a burst (the bucket's size).</summary>
    public int RateTokenLimit { get; set; } = 60;

    /// <summary>Tokens put back each period.</summary>
    public int RateTokensPerPeriod { get; set; } = 10;

    public double RatePeriodSeconds { get; set; } = 1;

    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}

internal sealed class LimitsOptionsValidator : IValidateOptions<LimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitsOptions options)
    {
        var failures = new List<string>();
        if (options.RateTokenLimit < 1)
            failures.Add($"Limits:RateTokenLimit must be at least 1 (got {options.RateTokenLimit}).");
        if (options.RateTokensPerPeriod < 1)
            failures.Add($"Limits:RateTokensPerPeriod must be at least 1 (got {options.RateTokensPerPeriod}).");
        if (options.RatePeriodSeconds is <= 0 or > 86400)
            failures.Add($"Limits:RatePeriodSeconds must be between 0 and 86400 (got {options.RatePeriodSeconds}).");
        if (options.MaxRequestBodyBytes < 1024)
            failures.Add($"Limits:MaxRequestBodyBytes must be at least 1024 (got {options.MaxRequestBodyBytes}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class RequestLimits
{
    public static IServiceCollection AddRequestLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LimitsOptions>().Bind(configuration.GetSection(LimitsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LimitsOptions>, LimitsOptionsValidator>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<LimitsOptions>>((rate, limits) =>
        {
            var settings = limits.Value;
            // After authentication: a key is its own partition, so one noisy client cannot starve another;
            // callers without a valid key share a bucket per address.
            rate.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetTokenBucketLimiter(PartitionOf(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = settings.RateTokenLimit,
                    TokensPerPeriod = settings.RateTokensPerPeriod,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(settings.RatePeriodSeconds),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            rate.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            rate.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                    ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))
                    : Math.Max(1, (int)Math.Ceiling(settings.RatePeriodSeconds));
                var http = rejected.HttpContext;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await WriteProblemAsync(http, StatusCodes.Status429TooManyRequests, "Too many requests",
                    $"This key has used its request budget; retry after {retryAfter} s.");
            };
        });
        return services;
    }

    /// <summary>Refuses a body declared larger than the limit at once (413), and caps what the server will read.</summary>
    public static WebApplication UseRequestBodyLimit(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var limit = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value.MaxRequestBodyBytes;
            if (context.Request.ContentLength > limit)
            {
                await WriteProblemAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large",
                    $"The request body is {context.Request.ContentLength} bytes; the limit is {limit} (Limits:MaxRequestBodyBytes).");
                return;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
                feature.MaxRequestBodySize = limit;
            await next(context);
        });
        return app;
    }

    private static string PartitionOf(HttpContext context) =>
        context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } keyId
            ? "key:" + keyId
            : "address:" + (context.Connection.RemoteIpAddress ?? IPAddress.None);

    private static async Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = title,
                Detail = detail,
                Type = $"https://httpwg.org/specs/rfc9110.html#status.{status}",
            },
        });
    }
}
