/** The parts of the name that were given, or null when neither was. */
export function beneficiaryNameOf(firstName: string | null, lastName: string | null): string | null {
  const name = [firstName, lastName].filter((part) => part !== null && part !== "").join(" ");
  return name === "" ? null : name;
}
