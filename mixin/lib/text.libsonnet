// Text helpers for the rules' annotations.
{
  // Joins the lines of a text block (|||) with single spaces, as a YAML folded scalar (>-)
  // would: descriptions are written as wrapped paragraphs and shipped as one line each.
  fold(text):: std.join(' ', std.split(std.rstripChars(text, '\n'), '\n')),
}
