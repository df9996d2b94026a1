using PosOps.IncidentService.Api;

namespace PosOps.IncidentService.Tests.Api;

public class ApiLimitsTests
{
    [Theory]
    [InlineData("S01\0", "storeId must not contain control characters")]
    [InlineData("S01\u0007", "storeId must not contain control characters")]
    [InlineData("\u009f", "storeId must not contain control characters")]
    public void GivenAValueWithAControlCharacter_ThenRefused(string value, string problem)
    {
        Assert.Equal(problem, ApiLimits.ValueProblem("storeId", value));
    }

    [Fact]
    public void GivenAValueOverTheLimit_ThenRefused_AndAtTheLimitAccepted()
    {
        Assert.Equal("type must be at most 1024 characters", ApiLimits.ValueProblem("type", new string('a', ApiLimits.MaxValueLength + 1)));
        Assert.Null(ApiLimits.ValueProblem("type", new string('a', ApiLimits.MaxValueLength)));
        Assert.Null(ApiLimits.ValueProblem("type", null));
    }

    [Theory]
    [InlineData("S01", true)]
    [InlineData("store:S01", true)]
    [InlineData("S01-T001.a_b", true)]
    [InlineData("", false)]
    [InlineData("S01 T001", false)]
    [InlineData("S01'; drop table", false)]
    [InlineData("門店", false)]
    public void GivenAnId_ThenOnlyTheWireFormIsAccepted(string id, bool accepted)
    {
        Assert.Equal(accepted, ApiLimits.IdProblem("deviceId", id) is null);
        Assert.NotNull(ApiLimits.IdProblem("deviceId", new string('a', ApiLimits.MaxIdLength + 1)));
    }

    [Fact]
    public void GivenFreeText_ThenLengthAndNulAreRefused_LineBreaksAndChineseAreFine()
    {
        Assert.Null(ApiLimits.TextProblem("note", "换纸\r\n\tdone"));
        Assert.Null(ApiLimits.TextProblem("note", null));
        Assert.Equal("workaround is required", ApiLimits.TextProblem("workaround", "  ", required: true));
        Assert.Equal("note must be at most 2000 characters, got 2001", ApiLimits.TextProblem("note", new string('x', 2001)));
        Assert.Equal("note must not contain NUL characters", ApiLimits.TextProblem("note", "a\0b"));
    }
}
