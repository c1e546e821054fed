// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { importModelFile } from '../../bridge/training-bridge';
import { modelImported } from '../../store/actions';
import { resetStore, useAppStore } from '../../store/store';
import { ModelFiles } from './ModelFiles';

vi.mock('../../bridge/training-bridge', () => ({
  exportModel: vi.fn(async () => null),
  importModelFile: vi.fn(),
}));

afterEach(() => {
  cleanup();
  resetStore();
  vi.clearAllMocks();
});

function chooseFile(name: string, text: string): void {
  fireEvent.change(screen.getByLabelText('Load model'), { target: { files: [new File([text], name, { type: 'application/json' })] } });
}

describe('ModelFiles', () => {
  it('refuses a bad model file with an alert that says why, and keeps the current model', async () => {
    vi.mocked(importModelFile).mockRejectedValue(new Error('Layer 1 has 783 inputs, expected 784.'));
    render(<ModelFiles />);
    chooseFile('broken.json', '{"layers":[]}');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('broken.json was not loaded: Layer 1 has 783 inputs, expected 784.');
    expect(alert.textContent).toContain('The current model is unchanged.');
    expect(vi.mocked(importModelFile).mock.calls[0][0].name).toBe('broken.json');
    expect(useAppStore.getState().modelVersion).toBe(0);
  });

  it('ends the reason with a full stop before the next sentence, whatever the reason ends with', async () => {
    vi.mocked(importModelFile).mockRejectedValue(new Error('layers[1] has 783 inputs, expected 784'));
    render(<ModelFiles />);
    chooseFile('short.json', '{}');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('short.json was not loaded: layers[1] has 783 inputs, expected 784. The current model is unchanged.');
  });

  it('loads a good model file and says what it is', async () => {
    // The real bridge tells the store a model was imported; the pad reads drawings again on that.
    vi.mocked(importModelFile).mockImplementation(async () => {
      modelImported();
      return { description: '784-32-10 ReLU/Softmax' };
    });
    render(<ModelFiles />);
    chooseFile('model.json', '{}');
    await waitFor(() => expect(screen.getByText('Loaded model.json: 784-32-10 ReLU/Softmax.')).toBeTruthy());
    expect(useAppStore.getState().modelVersion).toBe(1);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
