import { AllureReporter } from 'allure-playwright';
import type { TestCase } from '@playwright/test/reporter';
import { REQUIREMENT_ANNOTATION } from '../harness/finding.ts';
import { clauseOfId } from './verdicts.ts';

/**
 * allure-playwright with each requirement ID and its clause as Allure labels
 * (`requirement`, `clause`) and a link to the requirement in report.html
 * (configure the `requirement` link template with the `links` option).
 */
export default class ConformanceAllureReporter extends AllureReporter {
  onTestBegin(test: TestCase): void {
    const ids = test.annotations.filter((a) => a.type === REQUIREMENT_ANNOTATION && a.description).map((a) => a.description!);
    if (!test.annotations.some((a) => a.type.startsWith('allure.label.requirement'))) {
      for (const id of ids) test.annotations.push({ type: 'allure.label.requirement', description: id });
      for (const clause of new Set(ids.map(clauseOfId))) test.annotations.push({ type: 'allure.label.clause', description: clause });
      for (const id of ids) test.annotations.push({ type: 'tms', description: id });
    }
    super.onTestBegin(test);
  }
}
