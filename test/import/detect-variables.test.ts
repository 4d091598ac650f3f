import { describe, expect, it } from 'vitest';
import { doc, FENCE, guesses, imported, stepNamed } from './helpers.js';

describe('variables from repeated project ids and service account emails', () => {
  const document = doc(
    '# ALTS',
    `${FENCE}bash`,
    'export SERVER_SA=alts-server@$PROJECT_ID.iam.gserviceaccount.com',
    '$ ./client --target alts-server@my-proj-123.iam.gserviceaccount.com --project my-proj-123',
    'AuthInfo Peer: alts-server@my-proj-123.iam.gserviceaccount.com',
    'AuthInfo Local: alts-client@my-proj-123.iam.gserviceaccount.com',
    FENCE,
  );

  it('declares the project id and a service account seen twice, reusing the name the document assigns', () => {
    const result = imported(document);
    expect(result.markdown).toContain(
      [
        'variables:',
        '  PROJECT_ID:',
        '    prompt: GCP project id',
        '    default: $(gcloud config get-value core/project)',
        '  SERVER_SA:',
        '    prompt: service account email (alts-server@PROJECT.iam.gserviceaccount.com)',
        '    default: $(echo "alts-server@$(gcloud config get-value core/project).iam.gserviceaccount.com")',
      ].join('\n'),
    );
    // alts-client appears once: not worth a variable.
    expect(result.markdown).not.toContain('ALTS_CLIENT_SA');
    expect(guesses(result)).toContain(
      'variable PROJECT_ID: the project id my-proj-123 appears 4 times (default $(gcloud config get-value core/project))',
    );
  });

  it('reports each variable at the line where its value first appears', () => {
    const lines = imported(document).report.guesses.flatMap((guess) => (guess.message.startsWith('variable ') ? [guess.line] : []));
    expect(lines).toEqual([4, 4]);
  });

  it('puts ${NAME} in commands and in the output the page shows', () => {
    const result = imported(document);
    const client = stepNamed(result, 'client');
    expect(client.command).toBe('./client --target ${SERVER_SA} --project ${PROJECT_ID}');
    expect(client.output).toEqual(['AuthInfo Peer: ${SERVER_SA}', 'AuthInfo Local: alts-client@${PROJECT_ID}.iam.gserviceaccount.com']);
  });

  it('leaves values inside single quotes alone (the shell would not expand them) and says so', () => {
    const result = imported(doc('$ echo my-proj-123', "$ gcloud projects describe my-proj-123 --format='value(my-proj-123)'"));
    expect(result.steps.map((step) => step.command)).toEqual([
      'echo ${PROJECT_ID}',
      "gcloud projects describe ${PROJECT_ID} --format='value(my-proj-123)'",
    ]);
    expect(guesses(result)).toContain('variable: a value inside single quotes was left as it is (the shell would not expand it)');
  });

  it('declares nothing for a value seen once, nor for a document without any', () => {
    expect(imported(doc('$ gcloud config set project solo-project-1')).markdown).not.toContain('variables:');
    expect(imported(doc('$ echo hello', 'hello')).markdown).not.toContain('variables:');
  });

  it('adds ZONE for VMs reached with gcloud compute ssh, from the zone the document uses', () => {
    const result = imported(
      doc('$ gcloud compute instances create vm-1 --zone europe-west1-b', '$ gcloud compute ssh vm-1 --zone europe-west1-b', '$ uptime'),
    );
    expect(result.markdown).toContain('ZONE:\n    prompt: GCE zone of the VMs\n    default: europe-west1-b');
    expect(result.markdown).toContain('targets:\n  gcp:\n    hosts:\n      vm-1:\n        gce: vm-1');
  });

  it('takes the zone of a VM from the one --zone that creates it', () => {
    const result = imported(doc('$ gcloud compute instances create vm-1 --zone=us-east1-b', '$ gcloud compute ssh vm-1', '$ uptime'));
    expect(result.markdown).toContain('ZONE:\n    prompt: GCE zone of the VMs\n    default: us-east1-b');
    expect(result.report.guesses).toContainEqual({ line: 1, message: expect.stringMatching(/^variable ZONE: .*\(default us-east1-b\)$/) });
  });
});
