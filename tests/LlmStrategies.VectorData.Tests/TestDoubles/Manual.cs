namespace LlmStrategies.VectorData.Tests.TestDoubles;

/// <summary>A small fictional product manual, cut into paragraphs with their offsets in the source document.</summary>
internal static class Manual
{
    private static readonly (string Id, string Source, string Product, int Year, string Text)[] Sections =
    [
        ("warranty", "router-manual", "router", 2024, "The XR-500 router comes with a two-year limited warranty covering defects in materials and workmanship."),
        ("wifi-password", "router-manual", "router", 2024, "To change the Wi-Fi password, open the admin page, choose Wireless, and enter a new passphrase of at least eight characters."),
        ("firmware", "router-manual", "router", 2023, "Firmware updates are installed automatically every night between 2 and 4 a.m.; you can also update manually from the admin page."),
        ("reset", "router-manual", "router", 2023, "Hold the reset button for ten seconds to restore the factory settings; all your settings will be erased."),
        ("camera-battery", "camera-guide", "camera", 2024, "The camera battery lasts about six months and charges fully in three hours with the supplied USB-C cable."),
        ("camera-night", "camera-guide", "camera", 2022, "Night vision switches on automatically when the light level drops, and records in black and white up to ten metres."),
        ("camera-warranty", "camera-guide", "camera", 2022, "Cameras bought before 2023 keep their original one-year warranty; later models have two years."),
    ];

    public static Paragraph[] Paragraphs()
    {
        var offsets = new Dictionary<string, int>();
        return Sections.Select(s =>
        {
            var start = offsets.GetValueOrDefault(s.Source);
            offsets[s.Source] = start + s.Text.Length + 2;
            return new Paragraph { Id = s.Id, SourceId = s.Source, Text = s.Text, Start = start, Product = s.Product, Year = s.Year };
        }).ToArray();
    }
}
