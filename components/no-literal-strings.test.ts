import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * Every word a page shows comes from the catalogues (messages/*.json): this scans the TSX of app/
 * and components/ for words written in the code instead, as JSX text, as a string or template in
 * a JSX expression, or as a text-bearing attribute or prop. Strings without a letter ("—", "·",
 * "…") are punctuation, not words.
 */
const ROOT = path.resolve(import.meta.dirname, "..");
const SHOWN_PROPS = new Set(["title", "aria-label", "placeholder", "alt", "label", "message", "confirmLabel", "loadingLabel", "fallback", "summary"]);
const hasWord = (text: string) => /\p{L}{2,}/u.test(text);

function tsxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsxFiles(full);
    return entry.name.endsWith(".tsx") ? [full] : [];
  });
}

/** A string literal or template written where it would be shown (through ?: and && and ||). */
function shownStrings(node: ts.Node): ts.Node[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return hasWord(node.text) ? [node] : [];
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].some(hasWord) ? [node] : [];
  if (ts.isParenthesizedExpression(node)) return shownStrings(node.expression);
  if (ts.isConditionalExpression(node)) return [...shownStrings(node.whenTrue), ...shownStrings(node.whenFalse)];
  if (ts.isBinaryExpression(node) && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(node.operatorToken.kind)) return shownStrings(node.right);
  return [];
}

function literalsIn(file: string, text = readFileSync(file, "utf8")): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const report = (node: ts.Node) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    found.push(`${path.relative(ROOT, file)}:${line + 1}: ${node.getText(source).trim().slice(0, 80)}`);
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && hasWord(node.text)) report(node);
    else if (ts.isJsxExpression(node) && node.expression && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) shownStrings(node.expression).forEach(report);
    else if (ts.isJsxAttribute(node) && SHOWN_PROPS.has(node.name.getText(source)) && node.initializer) {
      const value = ts.isJsxExpression(node.initializer) ? node.initializer.expression : node.initializer;
      if (value) shownStrings(value).forEach(report);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("words on the pages", () => {
  it("come from the catalogues, never from a literal in a component", () => {
    const files = [...tsxFiles(path.join(ROOT, "app")), ...tsxFiles(path.join(ROOT, "components"))];
    expect(files.length).toBeGreaterThan(30);
    expect(files.flatMap((file) => literalsIn(file))).toEqual([]);
  });

  it("are found by this scan when written as text, an attribute or a string in JSX", () => {
    const probe = `export const A = (p: { x: boolean }) => (
      <div title="Hello there">
        <p>Some words</p>
        {p.x ? "Yes indeed" : "—"}
        {\`Page \${1}\`}
        <b aria-label={"Label text"} />
        <i>{p.x && "Shown"} · {p.x ? 1 : 2}</i>
      </div>
    );`;
    expect(literalsIn(path.join(ROOT, "probe.tsx"), probe).map((found) => found.replace(/^probe\.tsx:\d+: /, ""))).toEqual([
      '"Hello there"',
      "Some words",
      '"Yes indeed"',
      "`Page ${1}`",
      '"Label text"',
      '"Shown"',
    ]);
  });
});
