/** What the dashboard shows for a beneficiary whose name the field team has not given yet. */
export const NAME_NOT_GIVEN = "Name not given";

/** The parts of the name that were given, or null when neither was. */
export function beneficiaryNameOf(firstName: string | null, lastName: string | null): string | null {
  const name = [firstName, lastName].filter((part) => part !== null && part !== "").join(" ");
  return name === "" ? null : name;
}
