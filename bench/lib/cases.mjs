// The identity every bench case carries, from its workload, variant and implementation entry.
export function caseBase(workload, variant, entry) {
  return {
    id: `${workload}/${variant || '-'}/${entry.impl}`,
    workload,
    variant,
    impl: entry.impl,
    role: entry.role,
    primary: !!entry.primary,
  };
}
