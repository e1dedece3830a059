using System.Globalization;

namespace LlmStrategies.Postgres.Tests.Retrieval;

/// <summary>A small corpus with metadata, the same for the database and the in-process indexes.</summary>
internal static class Corpus
{
    private static readonly string[] Texts =
    [
        "The router restarts when the firmware update finishes.",
        "Routers from this vendor ship with two antennas.",
        "Wireless signals weaken through concrete walls and floors.",
        "A mesh network spreads the wireless signal across rooms.",
        "Firmware updates fix security problems in routers.",
        "The warranty covers the router for two years after purchase.",
        "Refunds are paid within fourteen days of a return.",
        "Shipping takes three working days inside the country.",
        "The modem connects the home network to the provider.",
        "Cables with damaged connectors cause dropped connections.",
        "Support is open on weekdays from nine to five.",
        "The antenna position changes the signal strength noticeably.",
        "Parental controls limit which sites children can open.",
        "Guest networks keep visitors away from shared printers.",
        "A factory reset erases every setting on the router.",
        "Signal strength is measured in decibel milliwatts.",
        "The mobile app shows which devices are online.",
        "Updating drivers on the laptop fixes many connection drops.",
        "Fibre connections reach one gigabit per second.",
        "Power cuts can corrupt a firmware update in progress.",
    ];

    public static TextChunk[] Chunks { get; } = Texts.Select((text, i) => new TextChunk
    {
        Id = i.ToString("D2", CultureInfo.InvariantCulture),
        SourceId = "doc" + (i / 5).ToString(CultureInfo.InvariantCulture),
        Text = text,
        StartOffset = i * 100,
        Length = text.Length,
        Metadata = new Dictionary<string, string>
        {
            ["topic"] = i % 3 == 0 ? "hardware" : i % 3 == 1 ? "service" : "network",
            ["language"] = i % 4 == 0 ? "de" : "en",
        },
    }).ToArray();

    public static string[] Queries { get; } =
    [
        "router firmware update",
        "wireless signal through walls",
        "how long is the warranty",
        "connection drops",
        "signal strength antenna",
    ];
}
